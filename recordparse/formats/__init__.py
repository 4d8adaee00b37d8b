"""Built-in parsers, one module per format family; see :data:`recordparse.registry.BUILTIN_PARSERS`."""
