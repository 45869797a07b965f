"""Run deliver() in its own process, so a test can SIGKILL it part-way and run it again.

usage: python _sender.py PORT RECIPIENTS OUTBOX
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script: make the repository root importable for tests.notify.support.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kaitei.notify import NotifyError, SmtpSettings, SmtpTransport, deliver, format_summary
from tests.notify.support import sample_notice


def main(port: str, recipients: str, outbox: str) -> int:
    transport = SmtpTransport(SmtpSettings("127.0.0.1", int(port), timeout=10))
    try:
        summary = deliver(sample_notice(), Path(recipients), Path(outbox), transport)
    except NotifyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    print(format_summary(summary))
    return 0 if summary.succeeded() else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
