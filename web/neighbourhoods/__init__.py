"""Centre neighbourhoods in the browser: organisers name the areas they serve and where they are."""

__all__: list[str] = []
