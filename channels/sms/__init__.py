"""SMS: brandname gateway client (client.py) and Rasa connector for gateway and Twilio-style webhooks (connector.py)."""
