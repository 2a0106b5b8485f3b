"""Money as integer fen. Never a float: floats cannot hold 0.10 exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_FEN = Decimal("0.01")


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount in CNY, held as integer fen."""

    fen: int

    def __post_init__(self) -> None:
        if not isinstance(self.fen, int) or isinstance(self.fen, bool):
            raise TypeError("Money holds integer fen; use Money.of() for yuan amounts")

    @classmethod
    def of(cls, yuan: Decimal | int | str) -> Money:
        """From yuan; rounds half up to the fen. Floats are refused on purpose."""
        if isinstance(yuan, float):
            raise TypeError("Money refuses floats; pass a Decimal, int or str")
        try:
            amount = Decimal(yuan)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {yuan!r}") from exc
        return cls(int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @property
    def yuan(self) -> Decimal:
        return (Decimal(self.fen) / 100).quantize(_FEN)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def format(self, symbol: str = "¥") -> str:
        """`¥1,234,567.89`: thousands separators, two decimals, sign before the symbol."""
        sign = "-" if self.fen < 0 else ""
        return f"{sign}{symbol}{abs(self.yuan):,.2f}"

    def __str__(self) -> str:
        return self.format()
