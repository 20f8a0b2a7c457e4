// After django-otp-webauthn's script registered a passkey, reload the page so the list
// shows it (the script itself only reports success in the status line).
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
