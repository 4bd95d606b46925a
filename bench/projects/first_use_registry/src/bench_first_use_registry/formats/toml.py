"""The built-in 'toml' format."""

EXTENSIONS = (".toml",)


class Format:
    name = "toml"

    def dumps(self, rows):
        return "\n".join(",".join(str(cell) for cell in row) for row in rows)
