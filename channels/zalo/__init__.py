"""Zalo Official Account: API v3 client (client.py), webhook signature (signature.py), Rasa connector (connector.py)."""
