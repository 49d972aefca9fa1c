"""The data's path on the server: push (the one write path), merge, pull and the conflict queue."""
