/** E.164: a plus, then 7 to 15 digits, not starting with 0 — the one phone-number form Switchboard keeps. */
export const E164 = /^\+[1-9]\d{6,14}$/;
