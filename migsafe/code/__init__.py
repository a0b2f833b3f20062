"""Reading the project's own code: how it queries the models, where it loops over rows.

The analysis is static (libcst over the apps' Python files, Django's lexer over the
templates their views render) and resolved against the loaded app registry, so that
``Order.objects``, related managers and querysets kept in variables are understood. It
never imports a module Django did not already import, and never connects anywhere.
"""
