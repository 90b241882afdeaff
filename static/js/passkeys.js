// Passkeys: add one on the account page, sign in with one on the sign-in page.
// The server makes the options (py_webauthn) and keeps the challenge; this file only converts
// between JSON (base64url) and the ArrayBuffers the WebAuthn API wants, and posts the answer back.

import { t } from './i18n.js';

function toBuffer(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function creationOptions(json) {
  return {
    ...json,
    challenge: toBuffer(json.challenge),
    user: { ...json.user, id: toBuffer(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: toBuffer(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
  };
}

function registrationJSON(credential) {
  const { response } = credential;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

function authenticationJSON(credential) {
  const { response } = credential;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

async function postJSON(url, csrfToken, body) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken },
    body: JSON.stringify(body ?? {}),
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  return { ok: response.ok, status: response.status, data };
}

function show(statusElement, message) {
  statusElement.textContent = message;
  statusElement.hidden = false;
}

function cancelledMessage(error) {
  return error && error.name === 'NotAllowedError'
    ? t('The passkey request was cancelled or timed out.')
    : t('This device could not use a passkey here.');
}

/**
 * One ceremony: ask the server for options, let the browser's authenticator answer, post the answer
 * back and follow the server's redirect; any refusal is shown in #passkey-status.
 */
async function runCeremony({ button, csrfToken, optionsUrl, answerUrl, askAuthenticator, extra }) {
  const status = document.getElementById('passkey-status');
  button.disabled = true;
  try {
    const options = await postJSON(optionsUrl, csrfToken);
    if (!options.ok) throw new Error(options.data.message || t('Could not start.'));
    let credential;
    try {
      credential = await askAuthenticator(options.data);
    } catch (error) {
      show(status, cancelledMessage(error));
      return;
    }
    const result = await postJSON(answerUrl, csrfToken, { credential, ...extra() });
    if (!result.ok) {
      show(status, result.data.message || t('The passkey was refused.'));
      return;
    }
    window.location.assign(result.data.redirect);
  } catch (error) {
    show(status, error.message || t('Something went wrong with the passkey.'));
  } finally {
    button.disabled = false;
  }
}

function wireRegistration(button) {
  const nameInput = document.getElementById('passkey-name');
  button.addEventListener('click', () => runCeremony({
    button,
    csrfToken: button.dataset.csrf,
    optionsUrl: button.dataset.optionsUrl,
    answerUrl: button.dataset.registerUrl,
    askAuthenticator: async (json) => registrationJSON(
      await navigator.credentials.create({ publicKey: creationOptions(json) }),
    ),
    extra: () => ({ name: nameInput ? nameInput.value : '' }),
  }));
}

function wireSignIn(button) {
  const shared = document.getElementById('shared_device');
  button.addEventListener('click', () => runCeremony({
    button,
    csrfToken: document.querySelector('input[name=csrf_token]').value,
    optionsUrl: button.dataset.optionsUrl,
    answerUrl: button.dataset.signInUrl,
    askAuthenticator: async (json) => authenticationJSON(
      await navigator.credentials.get({ publicKey: requestOptions(json) }),
    ),
    extra: () => ({
      next: new URLSearchParams(window.location.search).get('next'),
      shared_device: Boolean(shared && shared.checked),
    }),
  }));
}

if (window.PublicKeyCredential) {
  const register = document.getElementById('add-passkey');
  if (register) {
    register.hidden = false;
    wireRegistration(register);
  }
  const signIn = document.getElementById('passkey-sign-in');
  if (signIn) {
    signIn.hidden = false;
    wireSignIn(signIn);
  }
} else {
  const unsupported = document.getElementById('passkey-unsupported');
  if (unsupported) unsupported.hidden = false;
}
