package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * A titled table of text cells that prints either aligned for a terminal (first column left, the others
 * right) or as a GitHub markdown table.
 *
 * @param title  one line saying what the table shows
 * @param header the column names
 * @param rows   the cells, each row as long as the header
 * @param notes  lines printed under the table (how to read it), possibly none
 */
record TextTable(String title, List<String> header, List<List<String>> rows, List<String> notes) {

    TextTable {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != header.size()) {
                throw new IllegalArgumentException("row " + i + " of table '" + title + "' has " + rows.get(i).size()
                        + " cells, but the header has " + header.size());
            }
        }
    }

    /** Prints the title, the aligned columns and the notes. */
    void printText(PrintWriter out) {
        out.println(title);
        int[] width = new int[header.size()];
        for (List<String> line : rowsWithHeader()) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        for (List<String> line : rowsWithHeader()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                sb.append(i == 0 ? "" : "  ").append(i == 0 ? cell + pad : pad + cell);
            }
            out.println(sb.toString().stripTrailing());
        }
        for (String note : notes) {
            out.println(note);
        }
    }

    /** Appends the table as markdown: the title in bold, the table (numbers right-aligned), the notes. */
    void appendMarkdown(StringBuilder md) {
        md.append("**").append(escape(title)).append("**\n\n");
        md.append(markdownRow(header));
        md.append('|');
        for (int i = 0; i < header.size(); i++) {
            md.append(i == 0 ? " --- |" : " ---: |");
        }
        md.append('\n');
        for (List<String> row : rows) {
            md.append(markdownRow(row));
        }
        md.append('\n');
        for (String note : notes) {
            md.append(escape(note)).append("\n\n");
        }
    }

    private List<List<String>> rowsWithHeader() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(header), rows.stream()).toList();
    }

    private static String markdownRow(List<String> cells) {
        StringBuilder sb = new StringBuilder("|");
        for (String cell : cells) {
            sb.append(' ').append(escape(cell).replace("|", "\\|")).append(" |");
        }
        return sb.append('\n').toString();
    }

    private static String escape(String text) {
        return text.replace("*", "\\*").replace("_", "\\_");
    }
}
