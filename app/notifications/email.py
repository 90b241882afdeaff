"""Sending e-mail over SMTP (stdlib smtplib). Off unless MAIL_ENABLED: then it is only logged."""

import logging
import smtplib
from email.message import EmailMessage

logger = logging.getLogger(__name__)


def send_email(config, *, to: str, subject: str, body: str) -> bool:
    """Send one message; returns whether it went to an SMTP server. Subjects carry no PHI."""
    if not config.get("MAIL_ENABLED"):
        logger.info("e-mail not sent (MAIL_ENABLED is off): to=%s subject=%r", to, subject)
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
    return True
