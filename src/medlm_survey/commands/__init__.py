"""Sub-command groups of the ``medlm-survey`` CLI, one module per area.

Each module exposes ``COMMANDS``, a list of click commands that ``cli.py`` registers.
"""
