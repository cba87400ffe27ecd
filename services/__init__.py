"""leanbus services: thin asyncio shells around lean_core handlers, and the launcher."""
