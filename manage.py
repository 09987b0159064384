#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A bad environment is an operator's mistake: one line naming it, not a traceback.
        sys.exit(f"配置错误 (ImproperlyConfigured): {str(exc).splitlines()[0]}")


if __name__ == "__main__":
    main()
