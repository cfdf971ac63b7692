package dev.slipway.engine.frontend.dockerfile.parser;

import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import java.util.List;

/**
 * One instruction as the lexer sees it: continuation lines joined, comments dropped, flags split
 * off, heredoc bodies collected.
 *
 * @param keyword lower case, e.g. {@code run}
 * @param keywordAsWritten e.g. {@code Run}
 * @param flags the leading {@code --name[=value]} words, quotes removed, without the dashes
 * @param args the rest of the line after the flags
 * @param original the whole instruction line as joined (for history and progress names)
 */
public record RawInstruction(
    String keyword,
    String keywordAsWritten,
    List<String> flags,
    String args,
    List<Heredoc> heredocs,
    String original,
    SourcePosition position,
    int endLine) {}
