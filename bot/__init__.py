"""The doors: terminal chat now; web server, Telegram and the Rasa action server later."""
