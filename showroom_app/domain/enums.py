"""Enumerations shared by every layer. Values are stored in the database: never rename one."""

from enum import StrEnum


class Role(StrEnum):
    CONSULTANT = "consultant"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    WORK_APPLICATIONS = "work_applications"
    VIEW_ALL_REPORTS = "view_all_reports"
    MANAGE_PROMOTIONS = "manage_promotions"
    RESOLVE_DEAD_LETTERS = "resolve_dead_letters"
    MANAGE_USERS = "manage_users"
    CHANGE_SETTINGS = "change_settings"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CONSULTANT: frozenset({Permission.WORK_APPLICATIONS}),
    Role.MANAGER: frozenset(
        {
            Permission.WORK_APPLICATIONS,
            Permission.VIEW_ALL_REPORTS,
            Permission.MANAGE_PROMOTIONS,
            Permission.RESOLVE_DEAD_LETTERS,
            Permission.CHANGE_SETTINGS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


class CustomerType(StrEnum):
    INDIVIDUAL = "individual"
    COMPANY = "company"
    FARMER = "farmer"


class VehicleCategory(StrEnum):
    NEW_CAR = "new_car"
    USED_CAR = "used_car"
    NEV = "nev"
    COMMERCIAL = "commercial"
    TRACTOR = "tractor"
    CONSTRUCTION = "construction"


class InventoryStatus(StrEnum):
    IN_STOCK = "in_stock"
    RESERVED = "reserved"
    SOLD = "sold"


class ApplicationStatus(StrEnum):
    """The application's life, in order. The UI gives each one colour and one icon."""

    DRAFT = "draft"
    QUEUED = "queued"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CONDITIONAL = "conditional"
    DECLINED = "declined"
    CONTRACT_READY = "contract_ready"
    SIGNED = "signed"
    FUNDED = "funded"
    WITHDRAWN = "withdrawn"


OPEN_APPLICATION_STATUSES = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.QUEUED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.CONDITIONAL,
        ApplicationStatus.APPROVED,
        ApplicationStatus.CONTRACT_READY,
    }
)


class DocumentType(StrEnum):
    ID_CARD_FRONT = "id_card_front"
    ID_CARD_BACK = "id_card_back"
    DRIVING_LICENCE = "driving_licence"
    VEHICLE_LICENCE = "vehicle_licence"
    BUSINESS_LICENCE = "business_licence"
    BANK_CARD = "bank_card"
    INCOME_PROOF = "income_proof"
    CONSENT = "consent"  # the customer's signed PIPL consent (sensitive data, credit inquiry)
    CONTRACT = "contract"  # as central issued it, pulled for the desk
    SIGNED_CONTRACT = "signed_contract"


class AuditAction(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    EXPORT = "export"
    SEND = "send"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    LOCK = "lock"
    RESEND = "resend"
    DISCARD = "discard"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # refused by central: waits for a person
    DISCARDED = "discarded"  # a person gave up on it (audited); kept for the record


class OutboxKind(StrEnum):
    SUBMIT_APPLICATION = "submit_application"
    REQUOTE_APPLICATION = "requote_application"  # new figures for a conditional approval
    UPLOAD_DOCUMENT = "upload_document"
    SIGN_CONTRACT = "sign_contract"
    WITHDRAW_APPLICATION = "withdraw_application"
