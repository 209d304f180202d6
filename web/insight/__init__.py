"""The organiser's view of their centre's area: the match graph, figures, who hasn't been reached,
reports from residents, and matching runs."""

__all__: list[str] = []
