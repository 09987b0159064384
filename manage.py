#!/usr/bin/env python
import os
import re
import sys

# Long-running servers keep their INFO log; other commands print their own progress and summary.
SERVERS = {"runserver"}


def quiet_logging_unless_verbose(argv: list[str]) -> None:
    """Below WARNING, logging stays out of a command's terminal unless it runs with -v 2 or 3.

    Read before Django configures logging (settings take the level from DJANGO_LOG_LEVEL);
    an explicit DJANGO_LOG_LEVEL always wins.
    """
    if len(argv) < 2 or argv[1] in SERVERS or "DJANGO_LOG_LEVEL" in os.environ:
        return
    verbosity = 1
    for i, arg in enumerate(argv):
        match = re.fullmatch(r"(?:-v|--verbosity=?)(\d)?", arg)
        if match:
            value = match.group(1) or (argv[i + 1] if i + 1 < len(argv) else "1")
            verbosity = int(value) if value.isdigit() else 1
    if verbosity < 2:
        os.environ["DJANGO_LOG_LEVEL"] = "WARNING"


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    quiet_logging_unless_verbose(sys.argv)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A bad environment is an operator's mistake: one line naming it, not a traceback.
        sys.exit(f"配置错误 (ImproperlyConfigured): {str(exc).splitlines()[0]}")


if __name__ == "__main__":
    main()
