"""The single Piccolo app `incubator`; its migrations live in the top-level `migrations/` folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from incubator.accounts.tables import (
    ApiToken,
    LoginAttempt,
    RegistrationAttempt,
    UserSession,
)
from incubator.activities.tables import Activity, ActivityFile
from incubator.applications.tables import Application, ApplicationFile, RecruitmentRound
from incubator.center.tables import Desk, DeskAllocation, EntryAgreement, Room, SupportRecord
from incubator.cooperation.tables import (
    AgreementNote,
    AgreementTemplate,
    CooperationAgreement,
    Funding,
    PilotUnit,
    TwoWayEvaluation,
)
from incubator.core.tables import AuditLog, Counter, Job, StoredFile
from incubator.evaluations.tables import ComplianceRecord, Evaluation
from incubator.facilities.tables import FacilityProject, MealPoint, StationCheck
from incubator.ground.tables import Community, Grid, Organization, Street, User
from incubator.notifications.tables import Notification
from incubator.organizations.tables import (
    GraduationCheck,
    OrganizationEvent,
    OrganizationOutcome,
)
from incubator.reporting.tables import ReportJob
from incubator.scoring.tables import Indicator, Rubric, Score, ScoreBand, ScoreSheet
from incubator.sheets.tables import SheetImport
from incubator.workitems.tables import WorkItem, WorkItemEvent

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

APP_CONFIG = AppConfig(
    app_name="incubator",
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=[
        Street,
        Community,
        Grid,
        Organization,
        OrganizationEvent,
        OrganizationOutcome,
        GraduationCheck,
        User,
        UserSession,
        LoginAttempt,
        RegistrationAttempt,
        ApiToken,
        AuditLog,
        StoredFile,
        Counter,
        Job,
        RecruitmentRound,
        Application,
        ApplicationFile,
        Notification,
        WorkItem,
        WorkItemEvent,
        Rubric,
        Indicator,
        ScoreBand,
        ScoreSheet,
        Score,
        Room,
        Desk,
        EntryAgreement,
        DeskAllocation,
        SupportRecord,
        Activity,
        ReportJob,
        ActivityFile,
        SheetImport,
        Evaluation,
        ComplianceRecord,
        FacilityProject,
        MealPoint,
        StationCheck,
        AgreementTemplate,
        CooperationAgreement,
        AgreementNote,
        TwoWayEvaluation,
        Funding,
        PilotUnit,
    ],
    migration_dependencies=[],
    commands=[],
)
