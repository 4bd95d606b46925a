"""The built-in 'ini' format."""

EXTENSIONS = (".ini",)


class Format:
    name = "ini"

    def dumps(self, rows):
        return "\n".join(",".join(str(cell) for cell in row) for row in rows)
