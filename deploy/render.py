"""Fill in a deploy template: the nginx site and the systemd units, as `make prove` does.

    .venv/bin/python deploy/render.py deploy/nginx/panjin.conf.template \
        SERVER_NAME=tech.panjin.example PUBLIC_HOST=tech.panjin.example ... > panjin.conf
    .venv/bin/python deploy/render.py deploy/systemd/panjin-web.service \
        APP_DIR=/srv/panjin/app USER=panjin ENV_FILE=/etc/panjin/panjin.env > panjin-web.service

Placeholders are `@NAME@` (nginx's own `$variables` stay as they are). A placeholder without a
value, or a value no placeholder uses, is an error: what is deployed is what was rendered.
"""

import re
import subprocess
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


class RenderError(ValueError):
    pass


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render(template: Path, values: dict[str, str]) -> str:
    text = template.read_text(encoding="utf-8")
    wanted = placeholders(text)
    missing = sorted(wanted - values.keys())
    unused = sorted(values.keys() - wanted)
    if missing or unused:
        raise RenderError(f"{template.name}: missing {missing}, unused {unused}")
    # A value is one token of a directive or unit line; it may not start another.
    forbidden = set("\n;{}") if template.suffix == ".template" else {"\n"}
    for name, value in values.items():
        if forbidden & set(str(value)):
            raise RenderError(f"{name}: a value may not end a directive or a line: {value!r}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def nginx_values(
    *,
    server_name: str,
    public_host: str,
    http_listen: str,
    https_listen: str,
    upstream: str,
    certificate: str,
    certificate_key: str,
    static_root: str,
    media_root: str,
    private_media_root: str,
    max_body_bytes: int,
    accel_prefix: str,
    access_log: str,
) -> dict[str, str]:
    """The site template's values, named; the app's settings give the folders, the body limit
    (REQUEST_MAX_BYTES) and the internal prefix (PRIVATE_FILES_ACCEL_REDIRECT)."""
    if not (accel_prefix.startswith("/") and accel_prefix.endswith("/")):
        raise RenderError(f"the internal prefix must be /…/, not {accel_prefix!r}")
    return {
        "SERVER_NAME": server_name,
        "PUBLIC_HOST": public_host,
        "HTTP_LISTEN": http_listen,
        "HTTPS_LISTEN": https_listen,
        "UPSTREAM": upstream,
        "TLS_CERTIFICATE": certificate,
        "TLS_CERTIFICATE_KEY": certificate_key,
        "STATIC_ROOT": str(static_root).rstrip("/"),
        "MEDIA_ROOT": str(media_root).rstrip("/"),
        "PRIVATE_MEDIA_ROOT": str(private_media_root).rstrip("/"),
        "MAX_BODY_BYTES": str(int(max_body_bytes)),
        "MAX_BODY_MB": f"{max_body_bytes / 1048576:.0f}",
        "ACCEL_PREFIX": accel_prefix,
        "ACCESS_LOG": access_log,
    }


def self_signed_certificate(folder: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A throwaway certificate for this run only (also its own CA: clients may pin it)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=DNS:{host},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    values = dict(arg.split("=", 1) for arg in argv[1:])
    try:
        sys.stdout.write(render(Path(argv[0]), values))
    except RenderError as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
