package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {

  @TempDir Path temp;
  private Path rootfs;

  @BeforeEach
  void setUp() throws IOException {
    rootfs = BusyboxRootfs.create(temp);
  }

  @Test
  void emptyMeansRoot() {
    assertThat(UserResolver.resolve(rootfs, "")).isEqualTo(ResolvedUser.ROOT);
  }

  @Test
  void nameGivesPrimaryGroupAndMemberships() {
    assertThat(UserResolver.resolve(rootfs, "app"))
        .isEqualTo(new ResolvedUser(1000, 1000, List.of(2000, 29)));
  }

  @Test
  void numericUidFoundInPasswdGetsItsGroups() {
    assertThat(UserResolver.resolve(rootfs, "1000"))
        .isEqualTo(new ResolvedUser(1000, 1000, List.of(2000, 29)));
  }

  @Test
  void numericUidUnknownToPasswdGetsGidZero() {
    assertThat(UserResolver.resolve(rootfs, "4242"))
        .isEqualTo(new ResolvedUser(4242, 0, List.of()));
  }

  @Test
  void explicitGroupReplacesSupplementaryGroups() {
    assertThat(UserResolver.resolve(rootfs, "app:builders"))
        .isEqualTo(new ResolvedUser(1000, 2000, List.of()));
    assertThat(UserResolver.resolve(rootfs, "app:7"))
        .isEqualTo(new ResolvedUser(1000, 7, List.of()));
  }

  @Test
  void numericIdsWorkWithoutPasswdOrGroupFiles() throws IOException {
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.delete(rootfs.resolve("etc/group"));

    assertThat(UserResolver.resolve(rootfs, "10:20"))
        .isEqualTo(new ResolvedUser(10, 20, List.of()));
  }

  @Test
  void unknownNamesAreClearErrors() {
    assertThatThrownBy(() -> UserResolver.resolve(rootfs, "ghost"))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("user 'ghost' not found in the image's /etc/passwd");
    assertThatThrownBy(() -> UserResolver.resolve(rootfs, "app:wheel"))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("group 'wheel' not found in the image's /etc/group");
  }

  @Test
  void passwdIsReadThroughSymlinksInsideTheRootfs() throws IOException {
    Path real = Files.createDirectories(rootfs.resolve("usr/etc"));
    Files.move(rootfs.resolve("etc/passwd"), real.resolve("passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/usr/etc/passwd"));

    assertThat(UserResolver.resolve(rootfs, "app").uid()).isEqualTo(1000);
  }
}
