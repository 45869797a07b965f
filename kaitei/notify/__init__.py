"""Email notices of material changes: recipients → messages → SMTP, via a resumable outbox.

Self-contained: nothing here imports MkDocs or the rest of kaitei; the CLI builds a
NoticeMail from the model and calls deliver().
"""

from .clock import SYSTEM_CLOCK, Clock, SystemClock
from .dryrun import DryRunTransport
from .errors import MessageError, NotifyError, RecipientsFileError, TransportError
from .message import MessageBuilder, NoticeMail, NoticeText, message_id
from .outbox import Outbox
from .recipients import Recipient, RecipientList, Rejected, load_recipients
from .run import Failure, Resend, RetryPolicy, Summary, deliver, format_summary
from .smtp import SmtpSettings, SmtpTransport
from .transport import PermanentFailure, TransientFailure, Transport

__all__ = [
    "SYSTEM_CLOCK",
    "Clock",
    "DryRunTransport",
    "Failure",
    "MessageBuilder",
    "MessageError",
    "NoticeMail",
    "NoticeText",
    "NotifyError",
    "Outbox",
    "PermanentFailure",
    "Recipient",
    "RecipientList",
    "RecipientsFileError",
    "Rejected",
    "Resend",
    "RetryPolicy",
    "SmtpSettings",
    "SmtpTransport",
    "Summary",
    "SystemClock",
    "TransientFailure",
    "Transport",
    "TransportError",
    "deliver",
    "format_summary",
    "load_recipients",
    "message_id",
]
