package dev.slipway.api.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.slipway.api.control.v1.ControlProto;
import dev.slipway.api.session.v1.SessionProto;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message of both services, with every field set (one oneof case at a time), survives
 * serialization and parsing through the generated classes.
 */
class WireMessagesRoundTripTest {

  static Stream<Descriptor> messages() {
    return Stream.of(ControlProto.getDescriptor(), SessionProto.getDescriptor())
        .flatMap(file -> file.getMessageTypes().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void roundTrips(Descriptor type) throws Exception {
    Message defaultInstance = generatedDefault(type);
    List<Message> samples = samples(defaultInstance, 0);
    assertThat(samples).isNotEmpty();
    for (Message sample : samples) {
      byte[] wire = sample.toByteArray();
      Message parsed = defaultInstance.getParserForType().parseFrom(wire);
      assertThat(parsed).isEqualTo(sample);
      assertThat(parsed.getAllFields()).hasSameSizeAs(sample.getAllFields());
    }
  }

  private static Message generatedDefault(Descriptor type) throws Exception {
    String javaPackage = type.getFile().getOptions().getJavaPackage();
    Class<?> generated = Class.forName(javaPackage + "." + type.getName());
    return (Message) generated.getMethod("getDefaultInstance").invoke(null);
  }

  /** One sample per oneof case (or just one when the message has no oneof). */
  private static List<Message> samples(Message prototype, int depth) {
    Descriptor type = prototype.getDescriptorForType();
    int cases = type.getRealOneofs().stream().mapToInt(o -> o.getFieldCount()).max().orElse(1);
    return Stream.iterate(0, i -> i < cases, i -> i + 1)
        .map(oneofCase -> filled(prototype, depth, oneofCase))
        .toList();
  }

  private static Message filled(Message prototype, int depth, int oneofCase) {
    Message.Builder builder = prototype.newBuilderForType();
    for (FieldDescriptor field : prototype.getDescriptorForType().getFields()) {
      var oneof = field.getRealContainingOneof();
      if (oneof != null && oneof.getFields().indexOf(field) != oneofCase % oneof.getFieldCount()) {
        continue;
      }
      if (field.isMapField()) {
        Message.Builder entry = builder.newBuilderForField(field);
        Descriptor entryType = field.getMessageType();
        entry.setField(
            entryType.findFieldByName("key"),
            sample(entryType.findFieldByName("key"), builder, depth));
        entry.setField(
            entryType.findFieldByName("value"),
            sample(entryType.findFieldByName("value"), entry, depth));
        builder.addRepeatedField(field, entry.build());
      } else if (field.isRepeated()) {
        builder.addRepeatedField(field, sample(field, builder, depth));
        builder.addRepeatedField(field, sample(field, builder, depth));
      } else {
        builder.setField(field, sample(field, builder, depth));
      }
    }
    return builder.build();
  }

  private static Object sample(FieldDescriptor field, Message.Builder parent, int depth) {
    return switch (field.getJavaType()) {
      case INT -> 42;
      case LONG -> 1L << 40;
      case FLOAT -> 1.5f;
      case DOUBLE -> 2.5d;
      case BOOLEAN -> true;
      case STRING -> field.getName() + "-value";
      case BYTE_STRING -> ByteString.copyFromUtf8("bytes of " + field.getName());
      case ENUM -> field.getEnumType().getValues().getLast();
      case MESSAGE ->
          depth > 3
              ? parent.newBuilderForField(field).build()
              : filled(parent.newBuilderForField(field).build(), depth + 1, 0);
    };
  }
}
