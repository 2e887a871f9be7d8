import ChiSo
import Foundation
import Testing

/// Every older pipeline gives byte for byte the outputs it gave before reorganizations (SPEC 10) were
/// supported: the SHA-256 of each CSV, in both header styles, as the tool wrote them before the change.
/// A pipeline without `sources.lineage` and without validity columns must never change here.
@Suite(.serialized) struct ByteIdenticalOutputsTests {
    static let pipelines = ["gieng-day-2024-cchc-cds", "hung-yen-2024-dan-van", "kon-tum-huyen-2023-2030-cchc",
                            "ninh-thuan-2022-dvc-bcci", "ninh-thuan-ldtbxh-2023-cchc", "sample"]

    /// `STYLE OUTPUT-PATH`: SHA-256, written by the release before SPEC 10 (commit a898f78).
    static let pinned: [String: String] = [
        "keys gieng-day-cchc-cds/2024/chat-luong-du-lieu.csv": "b87814f1a60711c8f516a583ea353b7540ee9c12715b5b2e5ac0aaacdcf37365",
        "keys gieng-day-cchc-cds/2024/chi-so-cchc-cds.csv": "1d2d1c1b2e7c1734f0fcb35c2d078199f16b627894e9d0a4603388538b94bd79",
        "keys gieng-day-cchc-cds/2024/chi-tieu.csv": "fef942b9a154b08e152692cfa1a97c23929f8765ff506e800b5b304898a5a981",
        "keys gieng-day-cchc-cds/2024/khen-thuong-bang-khen-tinh.csv": "1ead756431fed965a6a0cdae967922e28ba1105d1a1111cf455b467490d5bdeb",
        "keys gieng-day-cchc-cds/2024/khen-thuong-giay-khen-thanh-pho.csv": "3db9ac849df0e60fae4d9c80f2dd5cbf63b5580961b8543415c51bd320c63a99",
        "keys hoa-phong-dvc/2023/chat-luong-du-lieu.csv": "558c8381c4cf8a23961a5429dae2dbbde90fe1685377c0cb22d8564e3d5af618",
        "keys hoa-phong-dvc/2023/chi-so-dvc.csv": "b199e92d8766733fb44605508261b26d188bcb8d32f94c60159dab43fd7b7652",
        "keys hoa-phong-dvc/2023/chi-tieu.csv": "50f68b7d2f6ce84770447ddbdeeacdacd2e17e00fe7fe39f80c050ec796cec15",
        "keys hoa-phong-dvc/2023/khen-thuong-bang-khen.csv": "17568f3acc16fad077ef46684b628187fea6dde5bea14a148839e99dba1bc3d6",
        "keys hung-yen-dan-van/2024/chat-luong-du-lieu.csv": "c44a789570e65a6a482d2fb650e519dde38155ddd1016fb5c0c581ff45e79531",
        "keys hung-yen-dan-van/2024/chi-so-dan-van.csv": "94371d993e01a558eb3a618abd85719a3c333d2ea734e1e306f469bb7a41121c",
        "keys hung-yen-dan-van/2024/chi-tieu.csv": "b9ed11612a45955c2321a5c97d6bcd1ed2d1d91f32eb845333f94b848459e67d",
        "keys hung-yen-dan-van/2024/khen-thuong-bang-khen-hang-nam.csv": "e26f807b681afd3d258d993b5b0c1a817cf9cec4c9901b81dd17873664205399",
        "keys kon-tum-huyen-cchc/2023/chat-luong-du-lieu.csv": "342080a72a9376c004841b4031580a60561d95ae8115090d50b2588da22431af",
        "keys kon-tum-huyen-cchc/2023/chi-so-cchc.csv": "c3202d992f55c9a7303404469d8e3eafa8cd6f5803f70a18be23d1db57b1132c",
        "keys kon-tum-huyen-cchc/2023/chi-tieu.csv": "fd18bf333d5ac2ffdc8e380b0567fd7121b2fe890771dc14161e86145da2150c",
        "keys kon-tum-huyen-cchc/2023/khen-thuong-giay-khen-huyen-ca-nhan.csv": "93b2f96dd9eca8dbc5a4dc92dfa6600e2dfb40bdddbf4acbb4a558bb5d6b41e0",
        "keys kon-tum-huyen-cchc/2023/khen-thuong-giay-khen-huyen-tap-the.csv": "2c759311b1e51cf8cc74eb6bdddc71c9cb5213da2446babf70ae6dd76c33341b",
        "keys ninh-thuan-2022-dvc-bcci/2023/chat-luong-du-lieu.csv": "558c8381c4cf8a23961a5429dae2dbbde90fe1685377c0cb22d8564e3d5af618",
        "keys ninh-thuan-2022-dvc-bcci/2023/chi-so-dvc-bcci.csv": "096add820b62861ed8d232da26b47dbdb000dce522514f07578d2a0b4d085382",
        "keys ninh-thuan-2022-dvc-bcci/2023/chi-tieu.csv": "50f68b7d2f6ce84770447ddbdeeacdacd2e17e00fe7fe39f80c050ec796cec15",
        "keys ninh-thuan-2022-dvc-bcci/2023/khen-thuong-bang-khen-ubnd-tinh.csv": "a67650da763793d043c5749fb8c1ecb5d706d8475cc0527c80f500d41f38ca68",
        "keys ninh-thuan-ldtbxh-cchc/2023/chat-luong-du-lieu.csv": "e16aa6ff0c11f81f13e2910bc8680182fc3b799290bcbc221c963a955945c059",
        "keys ninh-thuan-ldtbxh-cchc/2023/chi-so-cchc.csv": "41fd861ad50a1e2659505dadfe6f8850aa576364ecd8c2e121923527e5b6567d",
        "keys ninh-thuan-ldtbxh-cchc/2023/chi-tieu.csv": "5b70037228bb3884328a7d396ed90e5430cff53887da06ecaa769ab694f6880d",
        "keys ninh-thuan-ldtbxh-cchc/2023/khen-thuong-giay-khen-giam-doc-so.csv": "060bb4b4c78089ccceb4d54be774fecb5b4d5ca7b183215619524950cbe89829",
        "vi gieng-day-cchc-cds/2024/chat-luong-du-lieu.csv": "3649973c9442ff0b84da92bda25ac57fbee0b56c71a66782a21452639a8c878a",
        "vi gieng-day-cchc-cds/2024/chi-so-cchc-cds.csv": "51176b88bdcf2257e4e47c3a85273abd6b8340b7c9a924c6c1645f3e7fa6bb54",
        "vi gieng-day-cchc-cds/2024/chi-tieu.csv": "cf936afb933211d2358fc406eab7e8e8e8596a35a86162318ba0d124e069fd0c",
        "vi gieng-day-cchc-cds/2024/khen-thuong-bang-khen-tinh.csv": "060512992f9721e4a7518df715ede598a7e380783cf54e993e8e7babd5372b26",
        "vi gieng-day-cchc-cds/2024/khen-thuong-giay-khen-thanh-pho.csv": "138b0e461205429613059b59a7df73ad68510b674528c7ed0c413d03a7b6d2cc",
        "vi hoa-phong-dvc/2023/chat-luong-du-lieu.csv": "9cc36340ae49bf02cabef75f46a96caac6ee3d903f57c16c9fb8a21fcd29fb28",
        "vi hoa-phong-dvc/2023/chi-so-dvc.csv": "f3e4d3ba8e48bc0510f136e58880f4b1d625a80e41ee24099d30b8946b25b142",
        "vi hoa-phong-dvc/2023/chi-tieu.csv": "c842bde6e1bd1509b57d2e0d046934187a384468753eaf4c5510216fde413405",
        "vi hoa-phong-dvc/2023/khen-thuong-bang-khen.csv": "ad52f5f6db1787aaefad19be750f02cc439cd939655a01286967cd488ef0de78",
        "vi hung-yen-dan-van/2024/chat-luong-du-lieu.csv": "5f0a4d28b9ddf0a3dd4446c26a60c980dc75d7863e113b970ffe13ebcd99330a",
        "vi hung-yen-dan-van/2024/chi-so-dan-van.csv": "9bd9516ace2bb605dc7ee8be05e9451c2018ce47edde604f76b7110b1182d3ce",
        "vi hung-yen-dan-van/2024/chi-tieu.csv": "4e1684478522d32d42d80b0dc0c11c7dbfe76ad93739c97f3cfc8bca5ea2e4f1",
        "vi hung-yen-dan-van/2024/khen-thuong-bang-khen-hang-nam.csv": "bb4bf482a93a8aa2d98110eba8a91c167391dc14b60d3b62d11a3934d63b2747",
        "vi kon-tum-huyen-cchc/2023/chat-luong-du-lieu.csv": "9d66a9595d98e224fb4d3536f697b781a37c687b688aec0598b2d96a01aad612",
        "vi kon-tum-huyen-cchc/2023/chi-so-cchc.csv": "374a750e2e9820821c12c38f4cc3985ef2b23a98868166b26bf7d8607174f1d9",
        "vi kon-tum-huyen-cchc/2023/chi-tieu.csv": "961ac15a861712b280a72f1e5a4ff42d36173e3a6038307e39de3b837891b452",
        "vi kon-tum-huyen-cchc/2023/khen-thuong-giay-khen-huyen-ca-nhan.csv": "f516035be6e89955b33a78787371c15d779191166bbb2bb331eb00d786122f29",
        "vi kon-tum-huyen-cchc/2023/khen-thuong-giay-khen-huyen-tap-the.csv": "56f48f559c53e9b72ce2ed27e67151857d9817115229007c64e56ca235e92839",
        "vi ninh-thuan-2022-dvc-bcci/2023/chat-luong-du-lieu.csv": "9cc36340ae49bf02cabef75f46a96caac6ee3d903f57c16c9fb8a21fcd29fb28",
        "vi ninh-thuan-2022-dvc-bcci/2023/chi-so-dvc-bcci.csv": "a595c00779c8a5e34d4d28d63d577f2c3c760f7b335ef095cde5c8533d05e69d",
        "vi ninh-thuan-2022-dvc-bcci/2023/chi-tieu.csv": "c842bde6e1bd1509b57d2e0d046934187a384468753eaf4c5510216fde413405",
        "vi ninh-thuan-2022-dvc-bcci/2023/khen-thuong-bang-khen-ubnd-tinh.csv": "8da1a2f2226f1038c4ca8c7605a2f49b479ec28bf875332f34fe16b3684d9ae4",
        "vi ninh-thuan-ldtbxh-cchc/2023/chat-luong-du-lieu.csv": "71c206a48a11c92c48c34492c009c0f9cff739bd312c5f20f0a4dd32bcfaa2dc",
        "vi ninh-thuan-ldtbxh-cchc/2023/chi-so-cchc.csv": "c0868085582faa0a6bfa0343279dde112b724c6bdbed3a9788b1cf783d25727d",
        "vi ninh-thuan-ldtbxh-cchc/2023/chi-tieu.csv": "e2ef046dc2edb4b6a45474c3bd9cdc91bbcac4bddf790b6948280883ad721766",
        "vi ninh-thuan-ldtbxh-cchc/2023/khen-thuong-giay-khen-giam-doc-so.csv": "6c449d85b2d41f067a8381a36aa547570e4db6f2372b9acc14ba6ec6348616dc",
    ]

    @Test(arguments: ["vi", "keys"])
    func everyOlderPipelineWritesTheSameBytes(style: String) throws {
        let scratch = Scratch()
        for name in Self.pipelines {
            let r = try CLI.run(["run", "pipelines/\(name).yaml", "--out", scratch.path, "--header-style", style,
                                 "--db", scratch.path + "/db.sqlite"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
        }
        var seen: Set<String> = []
        let files = FileManager.default.enumerator(atPath: scratch.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".csv") }
        for file in files.sorted() {
            let key = "\(style) \(file)"
            seen.insert(key)
            #expect(Hashing.sha256(Data(scratch.read(file))) == Self.pinned[key], "\(key) changed or is new")
        }
        #expect(seen == Set(Self.pinned.keys.filter { $0.hasPrefix(style + " ") }))
    }
}
