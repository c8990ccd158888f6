EXAMPLES: dict[str, dict[str, object]] = {}
