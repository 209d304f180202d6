"""The home page, the messages a person has received, and the site navigation."""

__all__: list[str] = []
