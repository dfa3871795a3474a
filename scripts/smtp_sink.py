"""The handler of the test SMTP server (aiosmtpd) that scripts/smtp.sh starts:

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIR

Every message it accepts is written to DIR as N.eml, the bytes as received, and N.json, what a
mail client reads from them: the envelope, each header decoded by Python's `email` package
(RFC 2047 encoded words and all), the content type, the charset, the decoded body and the
defects the parser found. Both files are complete before the server answers 250, so a test may
read them as soon as its send returns.
"""

import email
import email.policy
import itertools
import json
import os


class Sink:
    """Stores each message in a directory; see the module's description."""

    def __init__(self, directory):
        self.directory = os.path.abspath(directory)
        os.makedirs(self.directory, exist_ok=True)
        self.counter = itertools.count(1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the directory to store messages in")
        return cls(args[0])

    def _write(self, name, data):
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(self.directory, name))

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        defects = [repr(d) for d in message.defects]
        headers = []
        for name, value in message.items():
            defects.extend(f"{name}: {d!r}" for d in getattr(value, "defects", ()))
            headers.append([name, str(value)])
        try:
            body = message.get_content() if not message.is_multipart() else None
        except (LookupError, UnicodeError, KeyError) as e:
            body = None
            defects.append(f"body: {e!r}")
        if isinstance(body, bytes):
            body = None
            defects.append("body: not text")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "headers": headers,
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "body": body,
            "defects": defects,
        }
        n = f"{os.getpid()}-{next(self.counter):06d}"
        self._write(n + ".eml", raw)
        self._write(n + ".json", json.dumps(record, ensure_ascii=False, indent=1).encode())
        return "250 OK stored as " + n
