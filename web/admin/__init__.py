"""Running Hearth: admins create community centres and invite their organisers."""

__all__: list[str] = []
