package dev.goldilocks.worker.generate;

import java.util.List;

/** Receives text as it becomes safe to send (whole characters, no partial stop sequence). */
@FunctionalInterface
public interface GenerationListener {

    /**
     * @param text   new text since the previous call (may be empty when only tokens arrived)
     * @param tokens the tokens generated since the previous call
     */
    void onText(String text, List<GeneratedToken> tokens);
}
