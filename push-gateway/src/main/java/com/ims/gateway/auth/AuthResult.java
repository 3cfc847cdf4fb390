package com.ims.gateway.auth;

import com.ims.support.auth.Principal;

/** What the handshake learned about the caller: a verified principal, or why there is none (never the token itself). */
public sealed interface AuthResult {

    record Authenticated(Principal principal) implements AuthResult {
    }

    record Refused(String reason) implements AuthResult {
    }
}
