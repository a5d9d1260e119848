"""A minimal web chat page that talks to Rasa's REST channel and shows buttons."""
