"""``python -m bot``: the command line (bot/cli/)."""

import os
import sys

from bot.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:  # `python -m bot ask ... | head`: the reader left; no traceback
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python flushes again at exit
    code = 1
raise SystemExit(code)
