"""An example recordparse plugin: the ``ris`` format and the ``missing-doi`` validator.

Nothing is imported here: recordparse loads the parser and the validator through their entry
points, and only when it needs them.
"""
