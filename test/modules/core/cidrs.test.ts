import { describe, expect, it } from "vitest";
import { IPv4CidrRange } from "ip-num";
import { rangesOutside } from "../../../modules/core/cidrs";

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];
const covers = (cidrs: readonly string[], address: string) =>
  cidrs.some((cidr) => IPv4CidrRange.fromCidr(cidr).contains(IPv4CidrRange.fromCidr(`${address}/32`)));
const size = (cidrs: readonly string[]) => cidrs.reduce((sum, cidr) => sum + 2 ** (32 - Number(cidr.split("/")[1])), 0);

describe("rangesOutside", () => {
  const internet = rangesOutside(PRIVATE);

  it("GIVEN the private and shared ranges WHEN left out THEN public addresses are covered and private ones are not", () => {
    for (const address of [
      "8.8.8.8",
      "140.82.112.3",
      "172.15.255.255",
      "172.32.0.0",
      "100.63.255.255",
      "100.128.0.0",
      "192.167.255.255",
      "192.169.0.0",
      "11.0.0.1",
    ])
      expect(covers(internet, address), address).toBe(true);
    for (const address of ["10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.1", "100.64.0.0", "100.127.255.255"])
      expect(covers(internet, address), address).toBe(false);
  });

  it("GIVEN the private and shared ranges WHEN left out THEN the CIDRs cover exactly every other address once, in 38 blocks", () => {
    // 2^32 minus 10/8 (2^24), 172.16/12 (2^20), 192.168/16 (2^16), 100.64/10 (2^22).
    expect(size(internet)).toBe(2 ** 32 - 2 ** 24 - 2 ** 20 - 2 ** 16 - 2 ** 22);
    expect(internet).toHaveLength(38);
    expect(internet[0]).toBe("0.0.0.0/5");
    expect(internet.at(-1)).toBe("224.0.0.0/3");
  });

  it("GIVEN a VPC on public addresses WHEN also left out THEN its addresses are not covered", () => {
    const withVpc = rangesOutside([...PRIVATE, "203.0.113.0/24"]);
    expect(covers(withVpc, "203.0.113.7")).toBe(false);
    expect(covers(withVpc, "203.0.112.255")).toBe(true);
    expect(size(withVpc)).toBe(size(internet) - 256);
  });

  it("GIVEN nothing left out WHEN computed THEN one block covers everything", () => {
    expect(rangesOutside([])).toEqual(["0.0.0.0/0"]);
  });
});
