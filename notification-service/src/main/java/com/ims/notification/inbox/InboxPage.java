package com.ims.notification.inbox;

import java.util.List;

/**
 * One page of a user's inbox, newest first.
 *
 * @param items the entries
 * @param next  pass as {@code before} for the next (older) page; null when this page reached the oldest entry
 */
public record InboxPage(List<InboxEntry> items, String next) {
}
