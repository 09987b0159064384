"""Django's BaseCommand for commands whose `help` is lazy text.

argparse formats the description with regular expressions, which need a real str; the
language is settled by the time the parser is built, so the text is resolved there.
"""

from django.core.management.base import BaseCommand as DjangoBaseCommand
from django.utils.functional import Promise


class BaseCommand(DjangoBaseCommand):
    help: str | Promise = ""  # type: ignore[assignment]  # lazy until the parser is built

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
