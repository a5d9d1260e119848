"""Telegram: Bot API client (client.py) and Rasa connector (connector.py)."""
