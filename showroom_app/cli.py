"""`showroom`: the GUI by default, and a headless surface for scripts and support staff."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from showroom_app import __version__
from showroom_app.config import RunOptions
from showroom_app.domain.errors import ShowroomError

if TYPE_CHECKING:
    from local_store.db import Store
    from showroom_app.main import Runtime

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Commands print their own results and errors; the log file has the rest.
CLI_CONSOLE_LOG_LEVEL = logging.CRITICAL


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="showroom",
        description="Showroom Finance Desk. Without a command, starts the desk (GUI).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, help="data folder (default: the user data folder)")
    parser.add_argument("--central", metavar="URL", help="central service URL for this run")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="sample data in a temporary data folder (unless --data-dir is given)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="start the desk (the default)")

    p = sub.add_parser("self-test", help="check the installation, offline; exit 0 when all pass")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("demo-seed", help="fill the data folder with synthetic demo data")
    p.add_argument("--applications", type=int, required=True, metavar="N")
    p.add_argument("--submit", action="store_true", help="also queue them for central")
    p.add_argument("--seed", type=int, default=20261129, help="random seed")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("enroll", help="enroll this desk with the central service")
    p.add_argument("--dealer-code", required=True)
    p.add_argument("--activation-code", required=True)
    p.add_argument("--device-name", help="how central lists this PC (default: host name)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("ocr", help="read documents from image files, offline (no data folder)")
    p.add_argument("images", nargs="+", type=Path, metavar="IMAGE",
                   help="jpg / png / first page of a pdf")
    p.add_argument("--doc-type", default="auto",
                   choices=["auto", "id_front", "id_back", "driving_license", "vehicle_license",
                            "business_license", "bank_card"])
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("sync", help="send the outbox to central")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="one pass over what is due")
    mode.add_argument("--until-drained", action="store_true",
                      help="retry until the outbox is empty or --timeout passes")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("apps", help="applications on this desk")
    apps = p.add_subparsers(dest="apps_command", required=True, metavar="COMMAND")
    q = apps.add_parser("list", help="newest first, personal data masked")
    q.add_argument("--limit", type=int, default=100)
    q.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("stock", help="the dealer's vehicles")
    stock = p.add_subparsers(dest="stock_command", required=True, metavar="COMMAND")
    q = stock.add_parser("import", help="import a DMS export (CSV or XLSX); bad rows are "
                         "reported with their row number, good rows kept")
    q.add_argument("file", type=Path, metavar="FILE")
    q.add_argument("--mapping", type=Path, metavar="YAML",
                   help="`field: column header` lines (vin, make, model, trim, category, "
                        "model_year, is_nev, price, stock_in_date, status)")
    q.add_argument("--json", action="store_true", help="print JSON")
    q = stock.add_parser("list", help="vehicles not sold, longest in stock first, with offers")
    q.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("promotions", help="promotion rules and the offers they make")
    promos = p.add_subparsers(dest="promotions_command", required=True, metavar="COMMAND")
    q = promos.add_parser("list", help="the rules (with --vehicle: those that apply to it)")
    q.add_argument("--vehicle", metavar="VIN")
    q.add_argument("--json", action="store_true", help="print JSON")
    q = promos.add_parser("import", help="import rules from YAML (all or none)")
    q.add_argument("file", type=Path, metavar="YAML")
    q = promos.add_parser("export", help="print the dealer's rules as YAML")

    p = sub.add_parser("quote", help="finance quote: schedule and annualized rate, offline "
                                     "(no data folder)")
    p.add_argument("--price", required=True, metavar="YUAN")
    p.add_argument("--down", required=True, metavar="YUAN", help="down payment")
    p.add_argument("--term", required=True, type=int, metavar="MONTHS")
    p.add_argument("--method", default="equal_installment",
                   choices=["equal_installment", "equal_principal", "balloon"])
    p.add_argument("--balloon", metavar="YUAN",
                   help="paid with the last instalment (a lease's residual value)")
    p.add_argument("--rate", metavar="FRACTION",
                   help="nominal annual rate, 0.0499 for 4.99 %% (overrides the product's grid)")
    p.add_argument("--fee", action="append", default=[], metavar="YUAN",
                   help="one-off fee paid at signing, repeat for several (with --product: "
                        "on top of the product's own fees)")
    p.add_argument("--product", metavar="ID",
                   help="bundled catalog product (auto_loan, direct_lease, sale_leaseback): "
                        "its rate grid, fees and limits apply")
    p.add_argument("--category", default="new_car",
                   choices=["new_car", "used_car", "nev", "commercial", "tractor",
                            "construction"], help="vehicle category for the product's rules")
    p.add_argument("--start", metavar="YYYY-MM-DD",
                   help="contract date (default: today); instalments fall on its day")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("prescore", help="advisory pre-score of one application, offline "
                       "(no data folder); format: docs/examples/application.json")
    p.add_argument("application", type=Path, metavar="APPLICATION.json")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("report", help="a manager's report from the local data (personal "
                       "data masked unless --include-personal; every export is audited)")
    p.add_argument("name", nargs="?", metavar="NAME", help="see --list")
    p.add_argument("--list", action="store_true", help="list the reports")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help="applications created on or after this day (China time)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                   help="… and on or before this day")
    p.add_argument("--format", default="json", choices=["json", "csv", "xlsx", "pdf"])
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="file to write (needed for csv, xlsx and pdf)")
    p.add_argument("--consultant", metavar="USERNAME")
    p.add_argument("--segment")
    p.add_argument("--customer-type", choices=["individual", "company", "farmer"])
    p.add_argument("--product", metavar="CODE")
    p.add_argument("--category", choices=["new_car", "used_car", "nev", "commercial",
                                          "tractor", "construction"])
    p.add_argument("--make")
    p.add_argument("--model")
    p.add_argument("--include-personal", action="store_true",
                   help="export consultants' names unmasked (audited)")
    p.add_argument("--json", action="store_true", help="with --list: print JSON")

    p = sub.add_parser("info", help="data folder, schema and counts")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("support-bundle", help="a zip for support staff: logs and self-test, "
                       "personal data masked (no database, keys or documents)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the zip to write")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _print(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def _ask_on_terminal(is_new: bool, problem: str | None) -> str | None:
    if not sys.stdin.isatty():
        return None
    if problem:
        print(problem, file=sys.stderr)
    if is_new:
        first = getpass.getpass("New key-file passphrase: ")
        if first != getpass.getpass("Repeat the passphrase: "):
            print("The two passphrases differ.", file=sys.stderr)
            return _ask_on_terminal(is_new, None)
        return first
    return getpass.getpass("Key-file passphrase: ")


@contextmanager
def _desk(options: RunOptions) -> Iterator[tuple[Runtime, Store]]:
    """The data folder's runtime and its open store, closed at the end."""
    from showroom_app.main import open_local_store, prepare

    runtime = prepare(options, console_level=CLI_CONSOLE_LOG_LEVEL)
    store = open_local_store(runtime, options, _ask_on_terminal)
    try:
        yield runtime, store
    finally:
        store.close()


def cmd_self_test(options: RunOptions, as_json: bool) -> int:
    from showroom_app.config import resolve_paths
    from showroom_app.services.selftest import core_checks, run_check

    paths = resolve_paths(options)
    checks = core_checks(paths.database)
    from ui.selftest import qt_checks

    checks += qt_checks()
    results = [run_check(name, fn) for name, fn in checks]
    ok = all(r.ok for r in results)
    lines = [f"{'PASS' if r.ok else 'FAIL'}  {r.name:<13} {r.detail}" for r in results]
    lines.append("all checks passed" if ok else "SOME CHECKS FAILED")
    _print({"ok": ok, "version": __version__, "checks": [r.to_dict() for r in results]},
           as_json, "\n".join(lines))
    return EXIT_OK if ok else EXIT_FAILED


def _seed_progress(done: int, total: int) -> None:
    # stderr: --json keeps stdout for the report alone.
    print(f"{done:,} / {total:,} applications", file=sys.stderr, flush=True)


def cmd_demo_seed(options: RunOptions, args: argparse.Namespace) -> int:
    from showroom_app.services.demo import seed_demo

    if args.applications < 0:
        print("--applications must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    with _desk(options) as (runtime, store):
        report = seed_demo(store, args.applications, submit=args.submit, seed=args.seed,
                           progress=_seed_progress)
    data = report.to_dict() | {"data_dir": str(runtime.paths.data_dir)}
    _print(data, args.json, "\n".join(f"{k}: {v}" for k, v in data.items()))
    return EXIT_OK


def cmd_enroll(options: RunOptions, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from showroom_app.services.enrollment import enroll
    from sync.client import CentralError

    with _desk(options) as (runtime, store):
        central_url = options.central_url or runtime.settings.central_url
        if not central_url:
            print("error: give the central service's address with --central URL",
                  file=sys.stderr)
            return EXIT_USAGE
        try:
            tokens = enroll(store, central_url, args.dealer_code, args.activation_code,
                            args.device_name)
        except CentralError as exc:
            print(f"error: enrollment failed: {exc}", file=sys.stderr)
            return EXIT_FAILED
    # Enrolling is the deliberate act that fixes where this desk's central lives.
    stored = runtime.settings_service.load()
    runtime.settings_service.save(replace(stored, central_url=central_url))
    data = {"central_url": central_url, "dealer_code": tokens.dealer_code,
            "device_id": tokens.device_id}
    _print(data, args.json, "\n".join(f"{k}: {v}" for k, v in data.items()))
    return EXIT_OK


def cmd_sync(options: RunOptions, args: argparse.Namespace) -> int:
    from local_store import repositories as repo
    from showroom_app.domain.enums import OutboxStatus
    from showroom_app.services.enrollment import client_for
    from sync.client import CentralError
    from sync.dispatcher import Dispatcher, NotEnrolledError
    from sync.pullers import CampaignPuller, CatalogPuller, ContractPuller, DecisionPuller

    with _desk(options) as (runtime, store):
        central_url = options.central_url or runtime.settings.central_url
        if not central_url:
            print("error: this desk has no central address: enroll first", file=sys.stderr)
            return EXIT_USAGE
        client = client_for(store, central_url)
        try:
            dispatcher = Dispatcher(store, client)
            report = (dispatcher.run_once() if args.once
                      else dispatcher.drain(timeout=args.timeout))
            pulled = {}
            for feed, puller in (("decisions", DecisionPuller), ("contracts", ContractPuller),
                                 ("catalog", CatalogPuller), ("campaigns", CampaignPuller)):
                try:
                    p = puller(store, client)
                    pulled[feed] = int(p.pull_all() if feed == "decisions" else p.pull_once())
                except CentralError as exc:
                    pulled[feed] = 0
                    report.errors.append(f"{feed} not pulled: {exc}")
        except NotEnrolledError as exc:
            print(f"error: central refused this desk's credentials ({exc}); enroll again",
                  file=sys.stderr)
            return EXIT_FAILED
        finally:
            client.close()
        with store.read() as s:
            left = repo.outbox_items(s, (OutboxStatus.PENDING, OutboxStatus.DEAD))
    data = {"sent": report.sent, "retrying": report.retrying, "dead": report.dead,
            "remaining": report.remaining, "decisions_pulled": pulled.get("decisions", 0),
            "contracts_pulled": pulled.get("contracts", 0),
            "catalog_updated": bool(pulled.get("catalog")),
            "campaigns_pulled": pulled.get("campaigns", 0),
            "errors": report.errors[-5:],
            "left": [{"application": i.application_reference, "kind": i.kind,
                      "status": i.status, "attempts": i.attempts,
                      "last_error": i.last_error} for i in left]}
    _print(data, args.json, "\n".join(f"{k}: {v}" for k, v in data.items() if k != "left"))
    if args.until_drained and left:
        # Not drained: say what is left and why, so a script (or a person) can act.
        print(f"error: {len(left)} item(s) not delivered:", file=sys.stderr)
        for i in left:
            why = "refused, needs a manager" if i.status == OutboxStatus.DEAD else "queued"
            print(f"  {i.application_reference or i.application_id}  {i.kind:<20} {why}, "
                  f"{i.attempts} attempt(s): {i.last_error or '-'}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cli_user() -> Any:
    """Who the audit log names for changes made from the command line."""
    from showroom_app.domain.enums import Role
    from showroom_app.domain.models import User

    return User(id="cli", username="cli", display_name="command line", role=Role.ADMIN)


def _china_today() -> Any:
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=8))).date()


def cmd_stock(options: RunOptions, args: argparse.Namespace) -> int:
    from showroom_app.services.promotions import PromotionService
    from showroom_app.services.stock import StockImportError, StockService, load_mapping_file

    today = _china_today()
    with _desk(options) as (_runtime, store):
        if args.stock_command == "import":
            try:
                mapping = load_mapping_file(args.mapping) if args.mapping else None
                report = StockService(store).import_file(_cli_user(), args.file, today,
                                                         mapping=mapping)
            except StockImportError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_FAILED
            data = report.to_json()
            lines = [f"{report.imported} imported, {report.updated} updated, "
                     f"{len(report.warned)} with warnings, {len(report.rejected)} rejected"]
            lines += [f"  row {r.row} rejected ({r.vin or '-'}): {'; '.join(r.messages)}"
                      for r in report.rejected]
            lines += [f"  row {w.row} warning ({w.vin}): {'; '.join(w.messages)}"
                      for w in report.warned]
            _print(data, args.json, "\n".join(lines))
            return EXIT_OK
        offers = PromotionService(store).offers(today)
    data = [{"vin": o.item.vin, "make": o.item.make, "model": o.item.model,
             "category": o.item.category.value, "price_fen": o.item.list_price.fen,
             "status": o.item.status.value, "days_in_stock": o.days_in_stock,
             "offers": len(o.matched), "rules": [r.code for r in o.matched]}
            for o in offers]
    text = "\n".join(f"{d['vin']}  {d['days_in_stock']:>4} d  {d['offers']} offer(s)  "
                     f"{d['make']} {d['model']}" for d in data)
    _print(data, args.json, text)
    return EXIT_OK


def _rule_json(rule: Any) -> dict[str, Any]:
    from showroom_app.promotions.rules import rule_to_dict

    return rule_to_dict(rule) | {"source": rule.source}


def cmd_promotions(options: RunOptions, args: argparse.Namespace) -> int:
    from showroom_app.services.promotions import PromotionService, RuleError

    today = _china_today()
    with _desk(options) as (_runtime, store):
        service = PromotionService(store)
        if args.promotions_command == "import":
            try:
                rules = service.import_yaml(_cli_user(),
                                            args.file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, RuleError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_FAILED
            print(f"{len(rules)} rule(s) imported: {', '.join(r.code for r in rules)}")
            return EXIT_OK
        if args.promotions_command == "export":
            print(service.export_yaml(), end="")
            return EXIT_OK
        if args.vehicle:
            found = service.offer_for(args.vehicle.strip().upper(), today, None, None)
            if found is None:
                print(f"error: no vehicle {args.vehicle} in stock", file=sys.stderr)
                return EXIT_FAILED
            applied = {r.code for r in found.offer.applied}
            data = [_rule_json(r) | {"applies": r.code in applied} for r in found.matched]
        else:
            data = [_rule_json(r) for r in service.rules()]
    text = "\n".join(f"{d['code']:<20} {d['source']:<8} {d['name_zh']} / {d['name_en']}"
                     for d in data)
    _print(data, args.json, text or "no rules")
    return EXIT_OK


def cmd_apps_list(options: RunOptions, args: argparse.Namespace) -> int:
    from local_store import repositories as repo

    with _desk(options) as (_runtime, store), store.read() as s:
        rows = repo.recent_applications(s, store.cipher, limit=max(1, args.limit))
    data = [{"reference": a.reference, "status": a.status.value,
             "customer": a.customer_masked_name, "vehicle": a.vehicle,
             "financed_fen": a.financed_amount.fen, "term_months": a.term_months,
             "consultant": a.consultant, "updated_at": a.updated_at.isoformat()}
            for a in rows]
    text = "\n".join(f"{a['reference']}  {a['status']:<14} {a['customer']:<6} "
                     f"{a['vehicle']}" for a in data)
    _print(data, args.json, text or "no applications")
    return EXIT_OK


def cmd_ocr(args: argparse.Namespace) -> int:
    """Loads the engine once, then per image: decode, then time the pipeline from the
    decoded image to validated fields."""
    from models.ocr.factory import create_engine
    from showroom_app.documents.capture import UnreadableImage, load_image
    from showroom_app.documents.fields import DocKind
    from showroom_app.documents.pipeline import read_document

    engine = create_engine("rapidocr")
    kind = None if args.doc_type == "auto" else DocKind(args.doc_type)
    results: list[dict] = []
    failed = False
    for path in args.images:
        try:
            image = load_image(path)
            result = read_document(engine, image, kind)
        except (UnreadableImage, ShowroomError) as exc:
            failed = True
            results.append({"file": str(path), "error": str(exc)})
            continue
        results.append({"file": str(path), **result.document.to_dict(),
                        "elapsed_ms": round(result.elapsed_ms, 1)})
    data: object = results if len(results) > 1 else results[0]
    lines = []
    for r in results:
        lines.append(f"{r['file']}: " + (f"error: {r['error']}" if "error" in r else
                                           f"{r['doc_type']} in {r['elapsed_ms']:.0f} ms"))
        for key, f in r.get("fields", {}).items():
            problems = f" [{', '.join(f['problems'])}]" if f["problems"] else ""
            lines.append(f"  {key:<22} {f['value'] or '–'}  ({f['confidence']:.2f}){problems}")
    _print(data, args.json, "\n".join(lines))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_quote(args: argparse.Namespace) -> int:
    """A plain calculator without --product; with it, the bundled catalog's rules apply.
    Needs no data folder, so it works on a desk that was never set up."""
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from showroom_app.domain.money import Money
    from showroom_app.finance.limits import QuoteLimitError
    from showroom_app.finance.products import Fee, default_catalog
    from showroom_app.finance.quote import quote

    def amount(option: str, text: str) -> Money:
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        # Bounded before quantize(), which cannot hold more digits than the context.
        if (not value.is_finite() or not 0 <= value <= 1_000_000_000
                or value != value.quantize(Decimal("0.01"))):
            raise ValueError(f"{option}: an amount in yuan, 0 to 1,000,000,000 with at most "
                             f"two decimals, not {text!r}")
        return Money.of(value)

    try:
        price, down = amount("--price", args.price), amount("--down", args.down)
        balloon = amount("--balloon", args.balloon) if args.balloon is not None else None
        fee_amounts = [amount("--fee", f) for f in args.fee]
        rate = None
        if args.rate is not None:
            try:
                rate = Decimal(args.rate)
            except InvalidOperation:
                rate = Decimal("NaN")
            if not rate.is_finite() or not 0 <= rate <= 1:
                raise ValueError(f"--rate: a fraction between 0 and 1 (0.0499 for 4.99 %), "
                                 f"not {args.rate!r}")
        try:
            start = date.fromisoformat(args.start) if args.start else None
        except ValueError:
            raise ValueError(f"--start: a date as YYYY-MM-DD, not {args.start!r}") from None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    product = None
    if args.product:
        catalog = default_catalog()
        if args.product not in catalog.products:
            print(f"error: unknown product {args.product!r}; known: "
                  f"{', '.join(sorted(catalog.products))}", file=sys.stderr)
            return EXIT_USAGE
        product = catalog.products[args.product]
    if args.method == "balloon" and not (balloon and balloon.fen):
        print("error: --method balloon needs --balloon", file=sys.stderr)
        return EXIT_USAGE
    extra = [Fee(f"fee_{i}", fee, False, "费用", "Fee")
             for i, fee in enumerate(fee_amounts, 1)]
    fees = [*(product.default_fees() if product else ()), *extra]
    try:
        result = quote(
            price=price, down_payment=down, term_months=args.term, method=args.method,
            balloon=balloon, annual_rate=rate, product=product, category=args.category,
            fees=fees, start=start,
        )
    except QuoteLimitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    data = result.to_dict()
    lines = [result.summary_zh, result.summary_en, "",
             f"financed amount  {data['financed_amount']}",
             f"total payment    {data['total_payment']}",
             f"total interest   {data['total_interest']}",
             *(f"fee {f.code:<12} {f.amount.yuan} "
               f"({'financed' if f.financed else 'paid at signing'})" for f in result.fees),
             f"annualized rate  {result.apr_nominal * 100:.2f} % nominal, "
             f"{result.apr_effective * 100:.2f} % effective", "",
             f"{'#':>3}  {'date':<10} {'payment':>12} {'principal':>12} {'interest':>10} "
             f"{'balance':>12}"]
    lines += [f"{r['period']:>3}  {r['date']:<10} {r['payment']:>12} {r['principal']:>12} "
              f"{r['interest']:>10} {r['balance']:>12}" for r in data["schedule"]]
    _print(data, args.json, "\n".join(lines))
    return EXIT_OK


def cmd_prescore(args: argparse.Namespace) -> int:
    """Scores with the bundled models and the bundled catalog's LTV caps; reads no data
    folder and writes nothing."""
    from showroom_app.finance.products import default_catalog
    from showroom_app.services.prescore import FactsError, PreScoreService, PreScoreUnavailable

    try:
        data = json.loads(args.application.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: cannot read {args.application}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not isinstance(data, dict):
        print(f"error: {args.application}: expected a JSON object", file=sys.stderr)
        return EXIT_USAGE
    service = PreScoreService(None)
    try:
        # Ages and ID validity count in China's calendar, wherever the desk's clock is.
        facts = service.facts_from_application(data, _china_today(), default_catalog())
        result = service.score(facts)
    except FactsError as exc:
        print(f"error: {args.application}: {exc.field}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PreScoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    out = result.to_json()
    words = {"likely_approve": "likely approve", "refer": "refer to a person",
             "likely_decline": "likely decline"}
    lines = [f"{words[result.decision]}: band {result.band}, PD {result.pd:.1%} "
             f"({result.model_version})", result.hint["en"]]
    lines += [f"  {'+' if r.direction == 'raises' else '-'} {r.en} / {r.zh}"
              for r in result.reasons]
    lines += [f"  ! [{h.action}] {h.code}: {h.en}" for h in result.policy_hits]
    lines.append("Advisory only: the lessor decides.")
    _print(out, args.json, "\n".join(lines))
    return EXIT_OK


def cmd_report(options: RunOptions, args: argparse.Namespace) -> int:
    from datetime import date

    from local_store import repositories as repo
    from showroom_app.services.reports import ReportFilters, ReportService

    if args.list:
        infos = ReportService.list_all()
        data = [{"name": i.name, "title_zh": i.title_zh, "title_en": i.title_en,
                 "scope": i.scope} for i in infos]
        _print(data, args.json, "\n".join(f"{i.name:<24} {i.title_zh} / {i.title_en}"
                                          for i in infos))
        return EXIT_OK
    if not args.name:
        print("error: give a report NAME, or --list", file=sys.stderr)
        return EXIT_USAGE
    if args.format != "json" and args.out is None:
        print(f"error: --format {args.format} needs --out FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        days = [date.fromisoformat(d) if d else None for d in (args.date_from, args.date_to)]
    except ValueError:
        print("error: --from/--to: a date as YYYY-MM-DD", file=sys.stderr)
        return EXIT_USAGE
    if days[0] and days[1] and days[0] > days[1]:
        print("error: --from is after --to", file=sys.stderr)
        return EXIT_USAGE
    lang = "en" if options.language == "en" else "zh"
    with _desk(options) as (_runtime, store):
        consultant_id = None
        if args.consultant:
            with store.read() as s:
                row = repo.user_row_by_username(s, args.consultant)
            if row is None:
                print(f"error: no user {args.consultant!r}", file=sys.stderr)
                return EXIT_USAGE
            consultant_id = row.id
        filters = ReportFilters(date_from=days[0], date_to=days[1],
                                consultant_id=consultant_id, segment=args.segment,
                                customer_type=args.customer_type, product_code=args.product,
                                category=args.category, make=args.make, model=args.model)
        service = ReportService(store)
        table = service.run(_cli_user(), args.name, filters)
        text = service.export(_cli_user(), table, args.format, args.out,
                              include_personal=args.include_personal, lang=lang)
    if args.out is None and text is not None:
        print(text)
    else:
        print(f"{args.out}: {table.name}, {len(table.rows)} row(s)")
    return EXIT_OK


def cmd_info(options: RunOptions, as_json: bool) -> int:
    from local_store import repositories as repo
    from local_store.db import current_revision, head_revision
    from showroom_app.domain.enums import OutboxStatus

    with _desk(options) as (runtime, store), store.read() as s:
        data = {
            "version": __version__,
            "data_dir": str(runtime.paths.data_dir),
            "database": str(store.path),
            "schema": current_revision(store.engine),
            "schema_head": head_revision(),
            "key_storage": store.key_store_description,
            "log_file": str(runtime.log_file),
            "language": runtime.settings.language,
            "central_url": runtime.settings.central_url,
            "users": repo.count_users(s),
            "applications": repo.count_applications(s),
            "stock_in": repo.count_stock(s),
            "outbox_pending": repo.count_outbox(s, OutboxStatus.PENDING),
            "outbox_dead": repo.count_outbox(s, OutboxStatus.DEAD),
        }
    _print(data, as_json, "\n".join(f"{k}: {v}" for k, v in data.items()))
    return EXIT_OK


def cmd_support_bundle(options: RunOptions, args: argparse.Namespace) -> int:
    # Only the folder, not the store: the bundle must be made even when the desk cannot
    # open its database or its key (that is when support is called).
    from showroom_app.config import resolve_paths
    from showroom_app.services.selftest import run_check
    from showroom_app.services.support import write_support_bundle
    from ui.selftest import qt_checks

    paths = resolve_paths(options)
    out = args.out if args.out.suffix.lower() == ".zip" else args.out.with_name(
        args.out.name + ".zip")
    bundle = write_support_bundle(out, data_dir=paths.data_dir, version=__version__,
                                  qt_results=[run_check(n, fn) for n, fn in qt_checks()])
    data = {"path": str(bundle.path), "files": list(bundle.files),
            "self_test_ok": bundle.checks_ok, "size_bytes": bundle.size_bytes}
    _print(data, args.json, f"{bundle.path}: {len(bundle.files)} files, "
           f"{bundle.size_bytes:,} bytes; self-test "
           f"{'passed' if bundle.checks_ok else 'FAILED (see selftest.txt)'}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    options = RunOptions(
        data_dir=args.data_dir, central_url=args.central, language=args.lang, demo=args.demo
    )
    try:
        if args.command in (None, "gui"):
            from showroom_app.main import run_gui

            return run_gui(options)
        if args.command == "self-test":
            return cmd_self_test(options, args.json)
        if args.command == "demo-seed":
            return cmd_demo_seed(options, args)
        if args.command == "info":
            return cmd_info(options, args.json)
        if args.command == "enroll":
            return cmd_enroll(options, args)
        if args.command == "sync":
            return cmd_sync(options, args)
        if args.command == "ocr":
            return cmd_ocr(args)
        if args.command == "apps":
            return cmd_apps_list(options, args)
        if args.command == "quote":
            return cmd_quote(args)
        if args.command == "prescore":
            return cmd_prescore(args)
        if args.command == "stock":
            return cmd_stock(options, args)
        if args.command == "promotions":
            return cmd_promotions(options, args)
        if args.command == "report":
            return cmd_report(options, args)
        if args.command == "support-bundle":
            return cmd_support_bundle(options, args)
    except ShowroomError as exc:
        logging.getLogger(__name__).error("%s failed: %s", args.command, exc)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
