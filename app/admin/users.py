"""Administration of users, their roles, passkeys and sessions, and the sign-in policy per role."""
