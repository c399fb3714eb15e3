import registries from '../../core/reference/image-classification-registries.json';
import { imageUriFor, supportedRegions, UnknownRegionError } from '../../core/image-uri';

/**
 * The ECR domain each Region should get, written out independently of the implementation: China
 * Regions, then the ISO partitions (the longer `us-isob-` / `us-isof-` before `us-iso-`), then the rest.
 */
function expectedDomain(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov';
  if (region.startsWith('us-isof-')) return 'csp.hci.ic.gov';
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov';
  return 'amazonaws.com';
}

const REGISTRY_ENTRIES = Object.entries(registries.accounts);

describe('imageUriFor', () => {
  test('the registry file lists Regions to test', () => {
    expect(REGISTRY_ENTRIES.length).toBeGreaterThan(30);
  });

  test.each(REGISTRY_ENTRIES)('builds the image URI of %s from its registry account %s', (region, account) => {
    expect(imageUriFor(region)).toBe(`${account}.dkr.ecr.${region}.${expectedDomain(region)}/image-classification:1`);
  });

  test.each([
    ['cn-north-1', '390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/image-classification:1'],
    ['us-iso-east-1', '490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/image-classification:1'],
    ['us-isob-east-1', '765400339828.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/image-classification:1'],
    ['us-isof-south-1', '124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/image-classification:1'],
    ['us-gov-west-1', '226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/image-classification:1'],
    ['us-east-1', '811284229777.dkr.ecr.us-east-1.amazonaws.com/image-classification:1'],
  ])('uses the partition domain for %s', (region, uri) => {
    expect(imageUriFor(region)).toBe(uri);
  });

  test('rejects a Region without the image, naming it and the supported Regions', () => {
    let thrown: unknown;
    try {
      imageUriFor('mars-north-1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnknownRegionError);
    const error = thrown as UnknownRegionError;
    expect(error.name).toBe('UnknownRegionError');
    expect(error.region).toBe('mars-north-1');
    expect(error.message).toContain("Region 'mars-north-1'");
    expect(error.message).toContain('Supported Regions: af-south-1, ap-east-1,');
    expect(error.message).toContain('us-west-2');
  });

  test.each(['', 'US-EAST-1', 'us-east-1 ', 'toString', '__proto__'])('rejects %j', (region) => {
    expect(() => imageUriFor(region)).toThrow(UnknownRegionError);
  });
});

describe('supportedRegions', () => {
  test('lists every Region of the registry file, sorted', () => {
    expect(supportedRegions()).toEqual(Object.keys(registries.accounts).sort());
    expect(supportedRegions()).toEqual(expect.arrayContaining(['cn-north-1', 'us-isof-south-1', 'eu-west-1']));
  });
});
