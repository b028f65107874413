package dev.goldilocks.gateway.backend;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Server-sent events, parsed incrementally from a response's bytes as they arrive, however the reads split
 * them (inside a line, inside a UTF-8 character, between a CR and its LF). The WHATWG rules: lines end with
 * LF, CRLF or CR; a blank line ends an event; {@code data:} lines join with a newline; a line that starts
 * with a colon is a comment (servers send them as keep-alives); one space after the field's colon is
 * dropped; fields other than {@code data} and {@code event} are ignored. Lines are decoded only when whole,
 * so a character split across reads is never broken.
 */
final class SseParser {

    /** Receives each event as it is complete. */
    @FunctionalInterface
    interface Listener {
        /** @param type the {@code event:} field, "message" when there was none */
        void onEvent(String type, String data);
    }

    /** An event larger than the parser accepts: a server that never ends its event must not fill the heap. */
    static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("an event over " + limit + " bytes", null, false, false);
        }
    }

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCarriageReturn;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type = "";
    /** The bytes of the data lines of the event so far. */
    private int eventBytes;

    SseParser(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** Parses {@code bytes}, telling {@code listener} of every event they complete. */
    void feed(ByteBuffer bytes, Listener listener) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (b == '\n') {
                    continue; // the LF of a CRLF
                }
            }
            if (b == '\r') {
                afterCarriageReturn = true;
                endOfLine(listener);
            } else if (b == '\n') {
                endOfLine(listener);
            } else {
                append(b);
            }
        }
    }

    /**
     * The stream ended: an event it left unterminated is still delivered (the rules would drop it, but a
     * server that ends with {@code data: [DONE]} and no blank line means it).
     */
    void finish(Listener listener) {
        if (lineLength > 0) {
            endOfLine(listener);
        }
        dispatch(listener);
    }

    private void append(byte b) {
        if (eventBytes + lineLength >= maxEventBytes) {
            throw new TooLarge(maxEventBytes);
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void endOfLine(Listener listener) {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        int bytes = lineLength;
        lineLength = 0;
        if (text.isEmpty()) {
            dispatch(listener);
            return;
        }
        if (text.charAt(0) == ':') {
            return; // a comment
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        int start = colon < 0 ? text.length() : colon + 1;
        if (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        String value = text.substring(start);
        if (field.equals("data")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
            eventBytes += bytes; // comments and other fields do not count: only what the event holds
        } else if (field.equals("event")) {
            type = value;
        }
    }

    private void dispatch(Listener listener) {
        if (hasData) {
            String event = type.isEmpty() ? "message" : type;
            String payload = data.toString();
            reset();
            listener.onEvent(event, payload);
        } else {
            reset();
        }
    }

    private void reset() {
        data.setLength(0);
        hasData = false;
        type = "";
        eventBytes = 0;
    }
}
