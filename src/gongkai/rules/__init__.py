"""Pure domain rules: no Django imports. Each function cites the legal source it implements."""
