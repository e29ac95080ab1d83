package io.execbroker.protocol.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hostile grant documents, as a controller might answer them: a valid grant with one field replaced by any JSON
 * value (wrong types, nulls, arrays, nested objects, NUL bytes, huge strings and numbers), and raw text cut or
 * spliced anywhere. {@link GrantJson} returns a grant that holds its own invariants, or refuses with an
 * {@link InvalidGrantException} (or a {@link GrantPurposeException}) and nothing else; a refusal of a mutated field
 * names that field. Unknown fields never matter.
 */
class GrantJsonFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String VALID = """
        {"container":"web-1","command":["/bin/sh","-c","ls"],"tty":true,"user":"1000","workdir":"/",\
        "env":{"TERM":"xterm","A":"b"},"subject":"alice",\
        "limits":{"idleTimeoutSeconds":600,"maxDurationSeconds":3600}}""";
    /** The grant's fields, and ones that only some forms have. */
    private static final List<String> FIELDS = List.of("container", "command", "args", "tty", "user", "workdir",
        "env", "subject", "limits", "events");

    @Property(tries = 1000)
    void aGrantWithOneFieldReplacedIsValidOrRefusedNamingThatField(@ForAll("fields") String field,
                                                                  @ForAll("values") JsonNode value,
                                                                  @ForAll boolean withDefaultContainer) throws Exception {
        ObjectNode grant = (ObjectNode) MAPPER.readTree(VALID);
        grant.set(field, value);
        String json = grant.toString();
        try {
            assertHoldsItsInvariants(GrantJson.parse(json, withDefaultContainer ? "servertest" : null));
        } catch (InvalidGrantException e) {
            assertThat(e.field()).as(e.getMessage()).satisfiesAnyOf(
                f -> assertThat(f).isEqualTo(field),
                f -> assertThat(f).startsWith(field + "."),
                f -> assertThat(f).startsWith(field + "["),
                // a string command needs args, an array one refuses them: either may be the one named
                f -> assertThat(field.equals("command") && f.equals("args")).isTrue());
            assertThat(e.getMessage()).startsWith(e.field() + ": ");
        } catch (GrantPurposeException e) {
            assertThat(field).isIn("command", "events");
        }
    }

    @Property(tries = 300)
    void unknownFieldsWithinTheLimitsNeverMatter(@ForAll("names") String name, @ForAll("smallValues") JsonNode value)
            throws Exception {
        ObjectNode grant = (ObjectNode) MAPPER.readTree(VALID);
        if (FIELDS.contains(name)) {
            return;
        }
        grant.set(name, value);
        assertThat(GrantJson.parse(grant.toString(), null)).isEqualTo(GrantJson.parse(VALID, null));
    }

    @Property(tries = 1000)
    void anyTextIsAGrantOrARefusal(@ForAll("texts") String json) {
        try {
            assertHoldsItsInvariants(GrantJson.parse(json, "servertest"));
        } catch (InvalidGrantException e) {
            assertThat(e.getMessage()).isNotBlank();
        } catch (GrantPurposeException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        try {
            assertThat(GrantJson.parseWatch(json).scope().types()).isNotEmpty();
        } catch (InvalidGrantException | GrantPurposeException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void everyGrantItAcceptsReadsBackTheSame(@ForAll("fields") String field, @ForAll("values") JsonNode value)
            throws Exception {
        ObjectNode json = (ObjectNode) MAPPER.readTree(VALID);
        json.set(field, value);
        ExecGrant grant;
        try {
            grant = GrantJson.parse(json.toString(), "servertest");
        } catch (InvalidGrantException | GrantPurposeException e) {
            return;
        }
        assertThat(GrantJson.parse(GrantJson.toJson(grant), null)).isEqualTo(grant);
    }

    private static void assertHoldsItsInvariants(ExecGrant grant) {
        assertThat(grant.container()).isNotEmpty().doesNotContain("\0").hasSizeLessThanOrEqualTo(ExecGrant.MAX_STRING_CHARS);
        assertThat(grant.command()).isNotEmpty().hasSizeLessThanOrEqualTo(ExecGrant.MAX_ARGS)
            .allSatisfy(arg -> assertThat(arg).doesNotContain("\0"));
        assertThat(grant.command().get(0)).isNotEmpty();
        grant.workdir().ifPresent(dir -> assertThat(dir).startsWith("/"));
        grant.user().ifPresent(user -> assertThat(user).isNotEmpty().doesNotContain("\0"));
        assertThat(grant.env()).hasSizeLessThanOrEqualTo(ExecGrant.MAX_ENV);
        grant.env().forEach((key, value) -> assertThat(key).isNotEmpty().doesNotContain("=", "\0"));
        grant.limits().idleTimeout().ifPresent(d -> assertThat(d).isPositive());
        grant.limits().maxDuration().ifPresent(d -> assertThat(d).isPositive());
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.oneOf(Arbitraries.of(FIELDS),
            Arbitraries.of("limits").map(l -> l)); // limits twice as often: its fields nest
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().ofMaxLength(12);
    }

    /** Any JSON value, nested a little, with the awkward ones often. */
    @Provide
    Arbitrary<JsonNode> values() {
        return value(3, true);
    }

    /** Any JSON value whose strings are within {@link ExecGrant#MAX_STRING_CHARS}. */
    @Provide
    Arbitrary<JsonNode> smallValues() {
        return value(3, false);
    }

    private static Arbitrary<JsonNode> value(int depth, boolean huge) {
        Arbitrary<JsonNode> leaf = Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(NODES.nullNode())),
            Tuple.of(1, Arbitraries.of(true, false).map(NODES::booleanNode)),
            Tuple.of(2, Arbitraries.integers().map(NODES::numberNode)),
            Tuple.of(1, Arbitraries.longs().map(NODES::numberNode)),
            Tuple.of(1, Arbitraries.doubles().map(NODES::numberNode)),
            Tuple.of(1, Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(),
                java.math.BigInteger.TEN.pow(30)).map(NODES::numberNode)),
            Tuple.of(4, strings(huge).map(NODES::textNode)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = value(depth - 1, huge).list().ofMaxSize(4).map(list -> {
            var node = NODES.arrayNode();
            list.forEach(node::add);
            return node;
        });
        Arbitrary<JsonNode> object = Combinators.combine(
            Arbitraries.oneOf(Arbitraries.of("idleTimeoutSeconds", "maxDurationSeconds", "containers", "types",
                "labels", "TERM", "", "a=b"), Arbitraries.strings().ofMaxLength(6)),
            value(depth - 1, huge)).as(Tuple::of).list().ofMaxSize(3).map(entries -> {
                ObjectNode node = NODES.objectNode();
                entries.forEach(entry -> node.set(entry.get1(), entry.get2()));
                return node;
            });
        return Arbitraries.frequencyOf(Tuple.of(5, leaf), Tuple.of(2, array), Tuple.of(2, object));
    }

    private static Arbitrary<String> strings(boolean huge) {
        Arbitrary<String> small = Arbitraries.oneOf(
            Arbitraries.of("", "/", "/bin/sh", "relative", "\0", "a\0b", "container", "A=B", "*", "../../etc"),
            Arbitraries.strings().ofMaxLength(16));
        return huge ? Arbitraries.frequencyOf(Tuple.of(10, small),
            Tuple.of(1, Arbitraries.strings().withChars('x').ofLength(ExecGrant.MAX_STRING_CHARS + 1))) : small;
    }

    /** Valid grants cut short, with bytes spliced in, or with a chunk repeated; and any text. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> cut = Arbitraries.integers().between(0, VALID.length()).map(n -> VALID.substring(0, n));
        Arbitrary<String> spliced = Combinators.combine(Arbitraries.integers().between(0, VALID.length()),
            Arbitraries.strings().ofMaxLength(4)).as((at, junk) -> VALID.substring(0, at) + junk + VALID.substring(at));
        Arbitrary<String> deep = Arbitraries.integers().between(1, 40)
            .map(n -> "{\"container\":\"c\",\"command\":[\"ls\"],\"x\":" + "[".repeat(n) + "]".repeat(n) + "}");
        Arbitrary<String> hugeNumber = Arbitraries.integers().between(1, 2000)
            .map(n -> "{\"container\":\"c\",\"command\":[\"ls\"],\"limits\":{\"idleTimeoutSeconds\":1" + "0".repeat(n) + "}}");
        return Arbitraries.oneOf(cut, spliced, deep, hugeNumber, Arbitraries.strings().ofMaxLength(40),
            Arbitraries.of("", " ", "null", "[]", "\"grant\"", "1", VALID + VALID, VALID + "x", "\uFEFF" + VALID,
                "{\"container\":\"c\",\"container\":\"d\",\"command\":[\"ls\"]}"));
    }
}
