"""The `leanbus` command."""
