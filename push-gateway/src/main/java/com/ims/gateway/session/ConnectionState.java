package com.ims.gateway.session;

/** Where a connection is in its life: replaying missed messages, live, or closing. */
public enum ConnectionState { SYNCING, LIVE, CLOSED }
