package dev.goldilocks.gateway.openai;

/** The two generation endpoints: what differs between their requests and responses. */
enum Kind {
    CHAT("chat_completions", "chat.completion", "chat.completion.chunk", "chatcmpl-", "messages"),
    COMPLETION("completions", "text_completion", "text_completion", "cmpl-", "prompt");

    /** The endpoint's label in metrics. */
    final String rpc;
    /** The {@code object} of a whole response and of a streamed chunk. */
    final String object;
    final String chunkObject;
    final String idPrefix;
    /** The parameter that carries the prompt. */
    final String promptParam;

    Kind(String rpc, String object, String chunkObject, String idPrefix, String promptParam) {
        this.rpc = rpc;
        this.object = object;
        this.chunkObject = chunkObject;
        this.idPrefix = idPrefix;
        this.promptParam = promptParam;
    }
}
