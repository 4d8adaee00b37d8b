"""A recordparse plugin for a repository's ``key = value`` export (a test fixture).

Importing this package imports nothing else: recordparse loads the parser and the validator
through their entry points only when it needs them.
"""
