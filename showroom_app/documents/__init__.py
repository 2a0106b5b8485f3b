"""Document capture (OpenCV), field parsers and validators (ID, USCC, VIN, Luhn)."""
