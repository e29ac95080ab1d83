package io.execbroker.broker.bench;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Lays out rows of cells as a plain-text table: the first row a header underlined with dashes, columns padded. */
final class TextTable {
    private TextTable() {
    }

    /** Returns {@code rows} as text; columns {@code firstRight} to {@code lastRight} (inclusive) align right. */
    static String render(List<String[]> rows, int firstRight, int lastRight) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int j = 0; j < rows.size(); j++) {
            String[] row = rows.get(j);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean right = i >= firstRight && i <= lastRight;
                line.append(i == 0 ? "" : " | ").append(pad(row[i], width[i], right));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (j == 0) {
                out.append(Arrays.stream(width).mapToObj("-"::repeat).collect(Collectors.joining("-+-"))).append('\n');
            }
        }
        return out.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String space = " ".repeat(width - s.length());
        return right ? space + s : s + space;
    }
}
