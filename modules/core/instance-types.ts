/** Graviton families (m7g, c6gn, r8g, t4g...) run arm64 AMIs; everything else x86_64. */
export function isArmInstanceType(instanceType: string): boolean {
  return /^[a-z]+\d+g/.test(instanceType);
}
