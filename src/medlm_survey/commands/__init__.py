"""Sub-commands of the ``medlm-survey`` CLI, one module per area.

``cli.LAZY_COMMANDS`` names each command as ``module:function``; the module is imported only
when its command runs or ``--help`` lists it.
"""
